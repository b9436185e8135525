"""The synonyms Beacon comes with: everyday words and brand names, and what directories call
them. Loaded by migration findhelp/0008 (and again by the demo, which adds what is missing);
organization admins change them at /find-help/words/. Each phrase once; its meaning is words
the services in a directory use (HSDS names, SAMHSA's terms), which a search then looks for.
"""

DEFAULT_SYNONYMS: tuple[tuple[str, str], ...] = (
    # Naloxone (opioid overdose reversal) by its brand names.
    ("narcan", "naloxone"),
    ("kloxxado", "naloxone"),
    ("zimhi", "naloxone"),
    ("overdose reversal", "naloxone"),
    # Buprenorphine by its brand names and what people call it.
    ("suboxone", "buprenorphine"),
    ("subutex", "buprenorphine"),
    ("zubsolv", "buprenorphine"),
    ("sublocade", "buprenorphine"),
    ("brixadi", "buprenorphine"),
    ("bupe", "buprenorphine"),
    ("vivitrol", "naltrexone"),
    # Opioid treatment programs (where methadone is dispensed).
    ("methadone clinic", "opioid treatment program"),
    ("methadone program", "opioid treatment program"),
    ("methadone maintenance", "opioid treatment program"),
    ("otp", "opioid treatment program"),
    # Medication for opioid use disorder.
    ("moud", "medication for opioid use disorder"),
    # Withdrawal management.
    ("detox", "withdrawal management"),
    ("detoxification", "withdrawal management"),
    ("detox center", "withdrawal management"),
    # Residential treatment.
    ("rehab", "residential treatment"),
    ("inpatient rehab", "residential treatment"),
    # Recovery residences.
    ("sober house", "recovery residence"),
    ("sober home", "recovery residence"),
    ("sober living", "recovery residence"),
    ("halfway house", "recovery residence"),
    # Mutual-aid meetings (the demo directory says "mutual-help": read as the same).
    ("aa", "mutual-aid meeting"),
    ("na", "mutual-aid meeting"),
    ("aa meeting", "mutual-aid meeting"),
    ("na meeting", "mutual-aid meeting"),
    ("alcoholics anonymous", "mutual-aid meeting"),
    ("narcotics anonymous", "mutual-aid meeting"),
    ("cocaine anonymous", "mutual-aid meeting"),
    ("12-step", "mutual-aid meeting"),
    ("12 step", "mutual-aid meeting"),
    ("twelve step", "mutual-aid meeting"),
    ("mutual-help meeting", "mutual-aid meeting"),
    ("mutual help meeting", "mutual-aid meeting"),
    ("mutual aid meeting", "mutual-aid meeting"),
    # Harm reduction.
    ("needle exchange", "syringe services"),
    ("syringe exchange", "syringe services"),
    ("ssp", "syringe services"),
    ("test strips", "fentanyl test strips"),
    # Food and benefits.
    ("food stamps", "snap"),
    ("ebt", "snap"),
    ("food bank", "food pantry"),
    ("masshealth", "medicaid"),
    # Peers and mental health.
    ("recovery coach", "peer recovery"),
    ("peer coach", "peer recovery"),
    ("peer support", "peer recovery"),
    ("dual diagnosis", "co-occurring"),
    ("crisis line", "crisis"),
)
