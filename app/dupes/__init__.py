"""Near-duplicate media: perceptual hashes on intake, clusters across cases, one decision
applied to every member after a filtered look at all of them.

phash.py computes 64-bit DCT hashes of images and video keyframes; index.py finds the
cases whose items lie within NEAR_DUPLICATE_DISTANCE bits of a case's items.
"""
