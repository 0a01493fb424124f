"""Outgoing email: through SMTP when MAIL_SERVER is set, otherwise written to the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("consult.mail")


def send_mail(to: str, subject: str, body: str, *, html: str | None = None) -> None:
    """Send (or log) one email: plain text, with `html` as the alternative part when given.
    Failures are logged, never raised to a resident. Unsent mail is logged with the
    arguments (to, subject, body[, html]), which tests read as the outbox."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if not config.get("MAIL_SERVER"):
        if html is None:
            log.info("mail (not sent: MAIL_SERVER unset) to=%s subject=%s\n%s", to, subject, body)
        else:
            log.info(
                "mail (not sent: MAIL_SERVER unset) to=%s subject=%s\n%s\n%s",
                to,
                subject,
                body,
                html,
            )
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail to %s (%s)", to, subject)
