"""The protocol of received applications as the AgID guidelines describe it: the segnatura (Segnatura.xml,
``segnatura.py`` and its schema ``segnatura.xsd``), the pluggable register that gives the registration
(``registers.py``), and the segnatura of a submitted application (``records.py``)."""
