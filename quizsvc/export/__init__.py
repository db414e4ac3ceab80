"""Lessons exported for other learning systems: QTI 1.2 for Canvas, GIFT and Moodle XML for
Moodle.

`bank.build_bank` pre-generates variants with PNG figures; `qti.qti_package`,
`gift.gift_text` and `moodle.moodle_xml` write the same bank in each system's format.
"""
