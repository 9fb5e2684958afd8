"""The accounts part of the API's OpenAPI document: accounts, teams, passwords and sessions (admins,
and each person for their own password and token)."""

from __future__ import annotations

from typing import Any

from .openapi_parts import ID, OBJECT, _body, _ok, _responses

USERNAME = [{"name": "username", "in": "path", "required": True, "schema": ID}]
ENDED = {"type": "object", "required": ["username", "sessions_ended"], "properties": {
    "username": ID, "sessions_ended": {"type": "integer"}}}


def account_paths() -> dict[str, Any]:
    return {
        "/api/users": {
            "get": {"summary": "Accounts (admins)", "security": [{"bearer": []}],
                    "responses": _responses(_ok("Accounts", OBJECT), "403")},
            "post": {"summary": "Create an account (admins)", "security": [{"bearer": []}],
                     "requestBody": _body({"type": "object",
                                           "required": ["username", "password", "roles", "display_name", "email"],
                                           "properties": {"username": {"type": "string"},
                                                          "password": {"type": "string"},
                                                          "roles": {"type": "array", "items": {"type": "string"}},
                                                          "display_name": {"type": "string"},
                                                          "email": {"type": "string"},
                                                          "team": {"type": "string", "nullable": True,
                                                                   "description": "one of GET /api/teams; "
                                                                   "required for practitioners and managers"}}}),
                     "responses": _responses(_ok("The account", OBJECT, "201"), "400", "403", "409", "422")}},
        "/api/teams": {
            "get": {"summary": "The organisation's teams, with their active members (admins)",
                    "security": [{"bearer": []}], "responses": _responses(_ok("Teams", OBJECT), "403")},
            "post": {"summary": "Add a team (admins); names differ from every other team's, whatever the case",
                     "security": [{"bearer": []}],
                     "requestBody": _body({"type": "object", "required": ["name"],
                                           "properties": {"name": {"type": "string", "maxLength": 100}}}),
                     "responses": _responses(_ok("The team", OBJECT, "201"), "400", "403", "409", "422")}},
        "/api/teams/{name}": {"delete": {
            "summary": "Remove a team nobody belongs to and no case was raised in (admins; audited)",
            "security": [{"bearer": []}],
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": _responses({"204": {"description": "Removed"}}, "403", "404", "409")}},
        "/api/users/{username}": {"patch": {
            "summary": "Give an account other roles or another team (admins; audited with what it had); "
                       "a key left out keeps what the account has. `steps_left_behind`: open steps given "
                       "to it that it can no longer work, for someone to give to a colleague",
            "security": [{"bearer": []}],
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": ID}],
            "requestBody": _body({"type": "object", "properties": {
                "roles": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "team": {"type": "string", "nullable": True,
                         "description": "one of GET /api/teams; required for practitioners and managers"}}}),
            "responses": _responses(_ok("The account", OBJECT), "400", "403", "404", "409", "422")}},
        "/api/users/{username}/deactivate": {"post": {
            "summary": "Switch an account off (admins): it cannot sign in and its tokens are revoked; "
                       "`steps_left_behind` lists the open steps given to it",
            "security": [{"bearer": []}],
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": ID}],
            "responses": _responses(_ok("The account", OBJECT), "403", "404", "409")}},
        "/api/users/{username}/reactivate": {"post": {
            "summary": "Switch an account on again (admins), with the roles and team it had; "
                       "it signs in afresh",
            "security": [{"bearer": []}],
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": ID}],
            "responses": _responses(_ok("The account", OBJECT), "403", "404")}},
        "/api/tokens/current": {"delete": {
            "summary": "Sign out of the API: revoke the token sent with this request (audited)",
            "security": [{"bearer": []}], "responses": _responses({"204": {"description": "Revoked"}})}},
        "/api/account/password": {"post": {
            "summary": "Change your own password, giving the current one: every session and token of yours "
                       "ends, this one too (audited, never the password)",
            "security": [{"bearer": []}],
            "requestBody": _body({"type": "object", "required": ["current_password", "new_password"],
                                  "properties": {"current_password": {"type": "string"},
                                                 "new_password": {"type": "string", "minLength": 12}}}),
            "responses": _responses(_ok("Signed out everywhere", ENDED), "422")}},
        "/api/users/{username}/password": {"put": {
            "summary": "Give someone else's account a new password (admins): its sessions and tokens end",
            "security": [{"bearer": []}], "parameters": USERNAME,
            "requestBody": _body({"type": "object", "required": ["password"], "properties": {
                "password": {"type": "string", "minLength": 12}}}),
            "responses": _responses(_ok("Signed out everywhere", ENDED), "403", "404", "422")}},
        "/api/users/{username}/sign-out": {"post": {
            "summary": "Sign an account out of every browser and revoke its API tokens (admins; audited)",
            "security": [{"bearer": []}], "parameters": USERNAME,
            "responses": _responses(_ok("The account, with `sessions_ended`", OBJECT), "403", "404")}},
    }
