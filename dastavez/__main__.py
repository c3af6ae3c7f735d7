from dastavez.cli.main import run

run()
