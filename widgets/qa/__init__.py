"""widgets.qa"""
