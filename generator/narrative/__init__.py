"""What a report's narrative says: its outline against the format's sections (`outline`), the
counts it states in sentences (`statements`, worded by `stated_words.yaml`) and its Markdown,
rendered without raw HTML (`markdown`)."""
