"""The browser-facing layer: blueprints, templates, static files, errors and request logs."""

from __future__ import annotations

from flask import Flask

from quizsvc import kinds, security
from quizsvc.web import errors, health, limits, metrics, request_log


def init_web(app: Flask) -> None:
    limits.init_app(app)  # first: before any other hook reads the request
    app.add_template_global(kinds.get, "question_kind")  # its partial and word, in templates
    request_log.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    metrics.init_app(app)

    from quizsvc.web import (
        accessibility,
        account,
        auth,
        course_grades,  # noqa: F401  (adds the gradebook's routes to courses.bp)
        courses,
        dashboard,
        explore,
        instructor,
        lessons,
        pages,
        quiz,
        reviews,
        study_guides,
    )

    auth.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(lessons.bp)
    app.register_blueprint(quiz.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(study_guides.bp)
    app.register_blueprint(instructor.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(courses.bp)
    app.register_blueprint(accessibility.bp)
