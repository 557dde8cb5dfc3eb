// Texts of signing in, password reset, e-mail validation and a guest's acceptance (signin/), in
// en/fr/ru: registered by main.jsx.
// Each entry is [en, fr, ru], every one translated (tests/browser/i18n.test.mjs fails on a missing
// one, or on a text used outside the area whose table holds it).
import { addStrings } from '../lib/i18n.js';

export const STRINGS = {
	signIn: ['Sign in', 'Se connecter', 'Войти'],
	signInAccount: ['Organisation', 'Organisation', 'Организация'],
	signInAccountHint: ['This address and password open more than one organisation: choose one.', 'Cette adresse et ce mot de passe ouvrent plus d’une organisation : choisissez-en une.', 'Этот адрес и пароль подходят к нескольким организациям: выберите одну.'],
	mustChange: ['You must choose a new password before continuing.', 'Vous devez choisir un nouveau mot de passe pour continuer.', 'Чтобы продолжить, задайте новый пароль.'],
	forgot: ['Forgot your password?', 'Mot de passe oublié ?', 'Забыли пароль?'],
	sendReset: ['Send reset link', 'Envoyer le lien', 'Отправить ссылку'],
	resetSent: ['If the address is known, a reset link has been sent.', 'Si l’adresse est connue, un lien a été envoyé.', 'Если адрес известен, ссылка отправлена.'],
	resetTitle: ['Choose a new password', 'Choisir un nouveau mot de passe', 'Новый пароль'],
	resetDone: ['Your password has been changed. You can sign in.', 'Votre mot de passe a été changé. Vous pouvez vous connecter.', 'Пароль изменён. Можно войти.'],
	validateTitle: ['E-mail validation', 'Validation de l’e-mail', 'Подтверждение эл. почты'],
	validateDone: ['Your e-mail address is validated.', 'Votre adresse e-mail est validée.', 'Адрес подтверждён.'],
	validatePending: ['Please validate your e-mail address with the link we sent you.', 'Validez votre adresse avec le lien envoyé.', 'Подтвердите адрес по ссылке из письма.'],
	resend: ['Send the link again', 'Renvoyer le lien', 'Отправить ещё раз'],
	sent: ['Sent.', 'Envoyé.', 'Отправлено.'],
	backToSignIn: ['Back to sign-in', 'Retour à la connexion', 'Ко входу'],
	// a guest's sign-up (web/src/signin/GuestAccept.jsx) and subscription box (web/src/calendar/Subscribe.jsx)
	guestTitle: ['Welcome to convene', 'Bienvenue sur convene', 'Добро пожаловать в convene'],
	guestInvitedBy: ['{who} shared with you:', '{who} a partagé avec vous :', '{who} открыл(а) вам доступ:'],
	guestInvited: ['A calendar was shared with you. Choose your name and a password to see it.', 'Un agenda a été partagé avec vous. Choisissez votre nom et un mot de passe pour le voir.', 'Вам открыли доступ к календарю. Выберите имя и пароль, чтобы его увидеть.'],
	guestLoginIs: ['You will sign in with your e-mail address, {email}, and the password you choose here.', 'Vous vous connecterez avec votre adresse e-mail, {email}, et le mot de passe choisi ici.', 'Вы будете входить с адресом {email} и паролем, который выберете здесь.'],
	guestName: ['Your name', 'Votre nom', 'Ваше имя'],
	// the password rule (lib/PasswordRule.jsx), {min} from GET /api/v1/password-policy
	guestPasswordAgain: ['Password again', 'Mot de passe (encore)', 'Пароль ещё раз'],
	guestPasswordsDiffer: ['The two passwords differ.', 'Les deux mots de passe diffèrent.', 'Пароли не совпадают.'],
	guestAccept: ['Accept and sign in', 'Accepter et se connecter', 'Принять и войти'],
	guestLinkGone: ['This invitation link cannot be used any more: it was already used, it expired or it was withdrawn. If you already chose your password, sign in with your e-mail address; otherwise ask the person who shared the calendar to invite you again.', 'Ce lien d’invitation n’est plus utilisable : il a déjà servi, a expiré ou a été retiré. Si vous avez déjà choisi votre mot de passe, connectez-vous avec votre adresse e-mail ; sinon demandez à la personne qui a partagé l’agenda de vous inviter à nouveau.', 'Эта ссылка-приглашение больше не действует: ею уже воспользовались, срок истёк или приглашение отозвано. Если вы уже выбрали пароль, войдите со своим адресом эл. почты; иначе попросите того, кто открыл доступ, пригласить вас снова.'],
};
addStrings(STRINGS);
