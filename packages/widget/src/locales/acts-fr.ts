// French words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `Annuler
Renvoyer l'invitation
Nouvelle tentative
Annuler cette évaluation ? Le candidat ne pourra plus la passer.
En cours…
Envoyez ce lien au candidat :`;
