"""widgets.shell"""
