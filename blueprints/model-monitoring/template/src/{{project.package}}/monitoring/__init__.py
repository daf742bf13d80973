"""Model monitoring: is the data the model meets in production still the data it
learned from, and are its predictions still distributed as they were?"""
