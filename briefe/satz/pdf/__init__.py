"""PDF: HTML and CSS for WeasyPrint, the variants (PDF/A, PDF/UA), the fast path for letters
that differ only in address and salutation, the combined print PDF and the PDF check."""
