"""Member lists (Mitgliederlisten): takes a CSV, XLSX or JSON file, gives one ``Empfaenger``
per row, with the list's own column headings mapped to the names templates use.

``mitglieder`` reads any file and holds the public names; one module per source kind
(``csvdatei``, ``xlsxdatei``, ``jsondatei``); shared: ``werte`` (cleaning of values),
``spalten`` (header matching), ``liste`` (rows to members, filters)."""
