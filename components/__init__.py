"""Extensions the Rasa server loads: the NLU message screener and the bounded tracker store."""
