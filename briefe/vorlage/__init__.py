"""The template language: takes a template file (TOML front matter, Jinja in a sandbox,
Markdown), its sender profile and the values asked at the start, gives for each ``Empfaenger``
one resolved ``Brief``; also turns a Word letter (.docx) into a template file."""
