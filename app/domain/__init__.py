"""app.domain"""
