"""The demo content: the sample page, brought in through the page importer.

Source: one OCR'd page of the provincial daily (banner 经济大省挑大梁),
``page.txt``, exactly as OCR gave it. The page does not print its date; the
edition date below is inferred from the text (both stories look back on 2024 just
before the 2025 Spring Festival), not read off the page.
"""

import datetime
from pathlib import Path

PAGE = Path(__file__).with_name("page.txt")
EDITION_DATE = datetime.date(2025, 1, 24)
# Nor does it print its 版次: the demo files it as page 1, so a newcomer sees the page
# viewer (its image is drawn from the text, ``page_image``). The banner is the page's.
PAGE_NUMBER = 1
BANNER = "经济大省挑大梁"
PUBLISHED_AT = datetime.datetime(
    2025, 1, 24, 6, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)
