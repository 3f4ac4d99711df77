"""The composition root: the only package that sees every layer.

`desktop.__main__` parses the command line into an `AppConfig` (`app.config`) and hands it here:
`app.board.QuoteBoardApp` builds, starts and stops a board; `app.cli_lists` and `app.cli_token`
run the subcommands. Importing this package is cheap: Qt loads only with `app.board`.
"""
