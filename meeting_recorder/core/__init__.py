"""Qt-free core shared by the CLI, the tests and the desktop app."""
