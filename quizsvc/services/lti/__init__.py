"""LTI 1.3 use cases: registered platforms, the tool's key, logins and launches, LMS accounts
and links, LMS contexts as courses and links as their assessments (:mod:`.contexts`), Deep
Linking (:mod:`.deeplinking`), the roster (Names and Roles, :mod:`.roster`), and grade
passback (Assignment and Grade Services, :mod:`.passback`).

The JWT work is PyJWT's (signature, issuer, audience, expiry; keys from the platform's JWKS
through its ``PyJWKClient``); what LTI adds on top (state, nonce used once, deployment,
message type, the browser that started the login) is checked in :mod:`.launch`. The HTTP
routes live in :mod:`quizsvc.lti`.
"""
