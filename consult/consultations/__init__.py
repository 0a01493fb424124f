"""Online consultations: design (officers), respond (residents), moderate, import."""
