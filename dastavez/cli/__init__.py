"""The command line (Typer + Rich): every command takes --json and --as USER."""
