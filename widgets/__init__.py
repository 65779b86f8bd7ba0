"""Veil's Qt layer: windows, views, forms and the media canvas. Only this package uses Qt."""
