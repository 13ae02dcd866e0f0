"""The answer engine: corpus, text analysis, index, answers and quotes.

Nothing here imports discord.py, so the terminal front end starts fast.
"""
