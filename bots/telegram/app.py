"""The Telegram adapter: a python-telegram-bot ``Application`` whose handlers hand updates to the core.

Text messages (commands included) go to ``BotCore.handle_message``, button presses to
``BotCore.handle_press``, both in a worker thread so that the event loop keeps polling; what comes back is
rendered as Telegram HTML. Any error ends in a short apology in the chat and a log line, never a traceback.

Usage::

    application = build_application(BotCore(assistant, BotConfig.from_env()), TelegramConfig.from_env())
    application.run_polling()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Poll, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode, PollLimit
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bots.core import APOLOGY, NOT_TEXT, BotCore, Incoming, Press, Quiz, Reply, text_reply
from bots.core.logsafe import SecretFilter, protect_secrets
from bots.telegram.config import LOGGERS, REDACTED, TelegramConfig
from bots.telegram.render import TelegramMessage, keyboard, render

UPDATES = ["message", "callback_query"]  # the update types the bot asks Telegram for
_LOG = logging.getLogger(__name__)
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
POLL_QUESTION_LIMIT = PollLimit.MAX_QUESTION_LENGTH
POLL_OPTION_LIMIT = PollLimit.MAX_OPTION_LENGTH
POLL_OPTIONS = PollLimit.MAX_OPTION_NUMBER
POLL_EXPLANATION_LIMIT = PollLimit.MAX_EXPLANATION_LENGTH


def protect_token(token: str) -> SecretFilter:
    """Redact the token in every record of the libraries that may log it (python-telegram-bot logs its API
    URL, httpx every request URL), whichever handler receives them; returns the filter, for handlers."""
    return protect_secrets({token: REDACTED}, LOGGERS)


def build_application(core: BotCore, config: TelegramConfig) -> Application:
    """An Application for the configured Bot API server (and proxy) with the bot's handlers; from here on
    the token is redacted from the logs of python-telegram-bot and httpx."""
    protect_token(config.token)
    builder = (
        Application.builder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .post_init(_command_menu(core))
    )
    if config.proxy:
        builder = builder.proxy(config.proxy).get_updates_proxy(config.proxy)
    application = builder.build()
    adapter = TelegramAdapter(core)
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new_messages & filters.TEXT, adapter.on_text))
    application.add_handler(
        MessageHandler(new_messages & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, adapter.on_other)
    )
    application.add_handler(CallbackQueryHandler(adapter.on_press))
    application.add_error_handler(adapter.on_error)
    return application


class TelegramAdapter:
    """``TelegramAdapter(core).on_text``: handler callbacks that translate between Telegram and the core."""

    def __init__(self, core: BotCore) -> None:
        self.core = core
        self._admin_menus: set[str] = set()  # admins whose chat shows the admin commands

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        if self.core.config.is_admin(str(user.id)) and str(user.id) not in self._admin_menus:
            await self._show_admin_menu(context, user.id)
        incoming = Incoming(str(user.id), str(message.chat_id), message.text, context.bot.username)
        outcome = await asyncio.to_thread(self.core.handle_message, incoming)
        in_group = message.chat.type != ChatType.PRIVATE
        await self._send(context, message.chat_id, outcome.replies, quote=message.id if in_group else None)
        if outcome.followup is not None:
            context.application.create_task(self._follow(context, message.chat_id, outcome.followup))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, voice message or sticker in a private chat."""
        if update.effective_chat is not None:
            await self._send(context, update.effective_chat.id, [text_reply(NOT_TEXT)])

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        chat_id = query.message.chat.id if query.message else query.from_user.id
        press = Press(str(query.from_user.id), str(chat_id), query.data or "")
        outcome = await asyncio.to_thread(self.core.handle_press, press)
        await query.answer(outcome.notice or None)
        if outcome.reply is None:
            return
        parts = render(outcome.reply)
        if outcome.replace and query.message is not None and len(parts) == 1:
            await query.edit_message_text(
                parts[0].html,
                parse_mode=ParseMode.HTML,
                reply_markup=parts[0].keyboard,
                link_preview_options=_NO_PREVIEW,
            )
        else:
            await self._send_parts(context, chat_id, parts)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error and apologise in the chat it happened in."""
        _LOG.error("error while handling an update", exc_info=context.error)
        if not isinstance(update, Update):
            return
        if update.callback_query is not None:  # stop the button's spinner (an error if it was answered)
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        if update.effective_chat is None:
            return
        try:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
        except TelegramError as exc:
            _LOG.warning("could not send the apology: %s", exc)

    async def _show_admin_menu(self, context: ContextTypes.DEFAULT_TYPE, admin: int) -> None:
        """The admin commands in this admin's private chat's command menu (once per run)."""
        menu = [BotCommand(n, d) for n, d in self.core.menu(admin=True).items()]
        try:
            await context.bot.set_my_commands(menu, scope=BotCommandScopeChat(admin))
            self._admin_menus.add(str(admin))
        except TelegramError as exc:
            _LOG.warning("could not show the admin commands to %s: %s", admin, exc)

    async def _follow(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, job: Callable[[], list[Reply]]
    ) -> None:
        """Run slow work in a worker thread and send its replies."""
        await self._send(context, chat_id, await asyncio.to_thread(job))

    async def _send(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        replies: Sequence[Reply | Quiz],
        quote: int | None = None,
    ) -> None:
        for reply in replies:
            if isinstance(reply, Quiz) and fits_poll(reply):
                await context.bot.send_poll(
                    chat_id,
                    reply.question,
                    reply.options,
                    type=Poll.QUIZ,
                    correct_option_ids=[reply.correct],
                    explanation=reply.brief or reply.explanation,
                    reply_markup=keyboard(reply.buttons),
                    reply_parameters=_quoting(quote),
                )
            else:
                text = reply.as_reply() if isinstance(reply, Quiz) else reply
                await self._send_parts(context, chat_id, render(text), quote)
            quote = None

    async def _send_parts(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        parts: list[TelegramMessage],
        quote: int | None = None,
    ) -> None:
        for part in parts:
            await context.bot.send_message(
                chat_id,
                part.html,
                parse_mode=ParseMode.HTML,
                reply_markup=part.keyboard,
                link_preview_options=_NO_PREVIEW,
                reply_parameters=_quoting(quote),
            )
            quote = None


def fits_poll(quiz: Quiz) -> bool:
    """Within Telegram's limits for a quiz poll (question, 2–12 options, explanation with ≤ 2 line feeds)."""
    return (
        len(quiz.question) <= POLL_QUESTION_LIMIT
        and 2 <= len(quiz.options) <= POLL_OPTIONS
        and all(1 <= len(option) <= POLL_OPTION_LIMIT for option in quiz.options)
        and len(quiz.brief or quiz.explanation) <= POLL_EXPLANATION_LIMIT
        and (quiz.brief or quiz.explanation).count("\n") <= 2
    )


def _quoting(message_id: int | None) -> ReplyParameters | None:
    """Reply to a message (in groups, so that it is clear whom the bot answers)."""
    return ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None


def _command_menu(core: BotCore) -> Callable[[Application], object]:
    """A post_init hook that publishes everyone's command menu (setMyCommands); admins get theirs, with
    the admin commands, in their private chat when they first write (a menu is scoped to a known chat)."""

    async def publish(application: Application) -> None:
        await application.bot.set_my_commands([BotCommand(n, d) for n, d in core.menu().items()])

    return publish
