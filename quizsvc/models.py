"""Every model module, imported once so that Alembic and tests see the whole schema."""

from quizsvc.db import Base
from quizsvc.progress import accessibility, draft_models, mastery_models, pool_models  # noqa: F401
from quizsvc.progress import courses as course_models  # noqa: F401
from quizsvc.progress import lti as lti_models  # noqa: F401
from quizsvc.progress import models as progress_models  # noqa: F401

metadata = Base.metadata
