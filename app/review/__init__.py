"""app.review.reviewdesk"""
