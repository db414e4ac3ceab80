"""Lessons exported for other learning systems: QTI 1.2 for Canvas, GIFT for Moodle.

`bank.build_bank` pre-generates variants with PNG figures; `qti.qti_package` and
`gift.gift_text` write the same bank in each system's format.
"""
