"""The holder's room: sign-in, their credentials, share links, certificates, mail to holders."""
