"""Accounts: create, authenticate (argon2), issue and check API tokens, refuse password guessing."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from service.access import require_admin
from service.actors import ROLES, Actor
from service.audit.trail import record_event
from service.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

from .models import ApiToken, User
from .sessions import digest, end_every_session, password_changed
from .teams import check_team_for
from .throttle import check_sign_in_allowed, forget_failures

TOKEN_LIFETIME = timedelta(hours=12)
_HASHER = PasswordHasher()
# Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a real password")


class Unauthenticated(DomainError):
    status = 401


def actor_of(user: User) -> Actor:
    return Actor(user.username, frozenset(user.roles.split()), team=user.team, roles_granted_by=user.roles_granted_by)


def create_user(*, session: Session, username: str, password: str, roles: Iterable[str], display_name: str,
                email: str, team: str | None, now: datetime, by: Actor) -> User:
    """A new account; who created it, with which roles and team, goes on the audit trail (never the password)."""
    wanted = _known_roles(roles)
    _check_password(password)
    check_team_for(session=session, team=team, roles=wanted)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"there is already an account called {username}")
    user = User(username=username, display_name=display_name, email=email, password_hash=_HASHER.hash(password),
                roles=" ".join(wanted), team=team, active=True, created_at=now, roles_granted_by=by.username)
    session.add(user)
    session.flush()
    record_event(session=session, actor=by, action="account_created", at=now,
                 summary={"username": username, "roles": wanted, "team": team})
    return user


def _known_roles(roles: Iterable[str]) -> list[str]:
    wanted = sorted(set(roles))
    if not wanted:
        raise InvalidInput("give the account at least one role", field="roles")
    unknown = [r for r in wanted if r not in ROLES]
    if unknown:
        raise InvalidInput(f"unknown role(s): {', '.join(unknown)}", field="roles")
    if "admin" in wanted and len(wanted) > 1:
        # Whoever manages accounts could otherwise give themselves cases to read or both pairs of eyes.
        raise InvalidInput("the admin role cannot be combined with other roles: an admin manages accounts, and "
                           "must not also read cases or change the process; give those roles to another account",
                           field="roles")
    return wanted


def authenticate(*, session: Session, username: str, password: str, now: datetime, client: str | None = None
                 ) -> User:
    """The active user with this password; refuses (429) what recent failures hold back (throttle.py)."""
    check_sign_in_allowed(session=session, username=username, client=client, now=now)
    user = session.scalars(select(User).where(User.username == username, User.active.is_(True))).one_or_none()
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        if user is None:
            raise VerificationError("unknown user")
    except (VerificationError, InvalidHashError):
        raise Unauthenticated("wrong username or password") from None
    forget_failures(session=session, username=username, client=client, now=now)
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def issue_token(*, session: Session, user: User, now: datetime) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    session.add(ApiToken(user_id=user.id, token_hash=digest(token), created_at=now, expires_at=expires))
    return token, expires


# Built once: every API request runs it.
_TOKEN_BY_HASH = (select(ApiToken).options(joinedload(ApiToken.user))
                  .where(ApiToken.token_hash == bindparam("token_hash")))


def user_for_token(*, session: Session, token: str, now: datetime) -> User:
    found = session.scalars(_TOKEN_BY_HASH, {"token_hash": digest(token)}).one_or_none()
    if found is None or found.expires_at <= now or not found.user.active:
        raise Unauthenticated("the token is missing, unknown or expired: get a new one from POST /api/tokens")
    return found.user


def user_by_name(*, session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username, User.active.is_(True))).one_or_none()


def list_users(*, session: Session, actor: Actor) -> list[User]:
    require_admin(actor)
    return list(session.scalars(select(User).order_by(User.username)))


def account(*, session: Session, actor: Actor, username: str) -> User:
    """An account, for an admin to manage."""
    require_admin(actor)
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(f"no account {username}")
    return user


def change_access(*, session: Session, actor: Actor, username: str, roles: Iterable[str], team: str | None,
                  now: datetime) -> User:
    """Give an account other roles or another team, from its next request on; the audit trail keeps
    what it had before. Cases keep the team they were raised in."""
    user = account(session=session, actor=actor, username=username)
    if user.username == actor.username:
        raise Forbidden("you cannot change your own roles or team: another admin must do it")
    wanted = _known_roles(roles)
    check_team_for(session=session, team=team, roles=wanted)
    had = {"roles": user.roles.split(), "team": user.team}
    if had == {"roles": wanted, "team": team}:
        return user
    user.roles, user.team, user.roles_granted_by = " ".join(wanted), team, actor.username
    # Signed in with the old roles or team, it signs in again: no session outlives what it was given.
    end_every_session(session=session, user=user)
    record_event(session=session, actor=actor, action="account_changed", at=now,
                 summary={"username": username, "roles": wanted, "team": team, "had_roles": had["roles"],
                          "had_team": had["team"]})
    return user


def reactivate_user(*, session: Session, actor: Actor, username: str, now: datetime) -> User:
    """Switch an account back on, with the roles and team it had."""
    user = account(session=session, actor=actor, username=username)
    if not user.active:
        user.active = True
        record_event(session=session, actor=actor, action="account_switched_on", at=now,
                     summary={"username": username, "roles": user.roles.split(), "team": user.team})
    return user


def deactivate_user(*, session: Session, actor: Actor, username: str, now: datetime) -> User:
    """Switch an account off: it cannot sign in and its API tokens are revoked. Nothing else is deleted."""
    user = account(session=session, actor=actor, username=username)
    if user.username == actor.username:
        raise Conflict("you cannot switch off your own account")
    if user.active:
        user.active = False
        # Its sessions and tokens end, not just refused: switching it on again must not revive a stolen one.
        end_every_session(session=session, user=user)
        record_event(session=session, actor=actor, action="account_switched_off", at=now,
                     summary={"username": username, "roles": user.roles.split(), "team": user.team})
    return user


MIN_PASSWORD_LENGTH = 12


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field=field)


def change_own_password(*, session: Session, actor: Actor, current: str, new: str, now: datetime) -> int:
    """The signed-in person sets a new password, giving the one they have; every session and token of
    theirs ends, this one too (they sign in again with the new one). Returns how many ended."""
    user = user_by_name(session=session, username=actor.username)
    if user is None:
        raise Unauthenticated("sign in first")
    try:
        _HASHER.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise InvalidInput("your current password is not right", field="current_password") from None
    _check_password(new, "new_password")
    if new == current:
        raise InvalidInput("the new password must differ from the current one", field="new_password")
    user.password_hash = _HASHER.hash(new)
    return password_changed(session=session, actor=actor, user=user, now=now)


def reset_password(*, session: Session, actor: Actor, username: str, password: str, now: datetime) -> int:
    """An admin gives someone else's account a new password (a forgotten one); every session and token
    of that account ends. Returns how many ended."""
    user = account(session=session, actor=actor, username=username)
    if user.username == actor.username:
        raise Forbidden("change your own password with your current one (POST /api/account/password)")
    _check_password(password)
    user.password_hash = _HASHER.hash(password)
    return password_changed(session=session, actor=actor, user=user, now=now)
