"""The protocol of received applications as the AgID guidelines describe it: the segnatura
(SegnaturaInformatica, ``segnatura.py``, validated against AgID's official schema in ``schemas/``), the
pluggable register that gives the registration (``registers.py``), and the segnatura of a submitted
application (``records.py``)."""
