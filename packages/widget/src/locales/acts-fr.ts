// French words of the recruiter actions (acts.ts), one a line in the order of its `actionMessages`.
export default `Annuler
Renvoyer l'invitation
Nouvelle tentative
Annuler cette évaluation ? Le candidat ne pourra plus la passer.
En cours…
Envoyez ce lien au candidat :
Annulée auprès du fournisseur.
Annulée ici ; le fournisseur n'a pas été invité à la retirer.
Le fournisseur a renvoyé l'invitation.
Le fournisseur n'envoie pas lui-même de rappels.
Une nouvelle tentative a été commandée.
C'était déjà fait.
Ce n'est pas possible pour cette évaluation pour le moment.
Le fournisseur a refusé. Rien n'a été modifié.
Le fournisseur n'a pas répondu. Rien n'a été modifié ; réessayez dans un instant.
Action impossible. Réessayez.`;
