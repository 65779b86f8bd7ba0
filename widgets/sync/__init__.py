"""widgets.sync"""
