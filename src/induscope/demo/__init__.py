"""The deterministic SYNTHETIC demo economy (nothing here is real data).

Every object carries ``synthetic=True`` in the workspace and the word "synthetic" in its name, so a demo
figure can never be mistaken for an official statistic.
"""
