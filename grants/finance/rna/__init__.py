"""RNA (Registro Nazionale Aiuti di Stato): every concession of aid, its variations and revocation are
registered, and the register's COR makes the grant valid.

Why in finance: the aid element of a concession is finance's to compute (a loan counts by its gross grant
equivalent, grants.finance.gge), and finance sits above projects in the layers, so it sees every grant (a
project is born from each funded application, whatever the path: ranking, slide, first-come decision),
its changes and its revocation through the projects' signals, without projects ever importing finance.
The COR is written back to the project through a projects service (``record_rna_cor``).

Modules: ``xml`` (the file and its schema, ``rna.xsd``: our own rendering, see README.md), ``adapters``
(the exchange: "file" for manual upload, "http" to an endpoint), ``services`` (writes), ``selectors``
(reads). The model is ``grants.finance.models.RnaRecord``.
"""
