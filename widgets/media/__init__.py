"""widgets.media"""
