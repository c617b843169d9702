"""The command line ``briefe``: German commands, help and messages; documented exit codes."""
