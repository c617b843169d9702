"""Member lists (Mitgliederlisten): takes a CSV, XLSX or JSON file, gives one ``Empfaenger``
per row, with the list's own column headings mapped to the names templates use."""
