"""widgets.review"""
