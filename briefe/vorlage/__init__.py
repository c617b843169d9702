"""The template language: takes a template file (TOML front matter, Jinja in a sandbox,
Markdown) and its sender profile, gives for each ``Empfaenger`` one resolved ``Brief``."""
