"""Item analysis and instructor charts: pure functions of stored answers and variants.

No Flask and no database here; `quizsvc.services.analytics` loads the records and these modules
compute what the instructor pages show, so every number can be tested on a hand-made data set.
"""
