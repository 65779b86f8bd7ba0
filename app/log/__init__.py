"""app.log"""
