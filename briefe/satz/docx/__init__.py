"""DOCX: the base document (styles, letterhead, marks), one letter's body, the fast path,
the combined DOCX."""
