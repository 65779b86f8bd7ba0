"""widgets.wellbeing.feature"""
