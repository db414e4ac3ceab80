"""Learners, attempts, mastery and review schedules: SQLAlchemy models and queries."""
