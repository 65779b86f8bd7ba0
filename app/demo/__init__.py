"""app.demo.cases"""
