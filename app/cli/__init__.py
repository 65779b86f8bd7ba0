"""app.cli.main"""
