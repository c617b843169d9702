"""The template editor's storage: versions, save conflicts, preview of a draft, Word import.

Takes template text from the editor; gives saved versions, previews and German errors.
"""
