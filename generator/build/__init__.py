"""The builds: `pipeline` runs the stages in order (load → validate → lint → plan → render → write →
index); `text_edit` builds an edit that changed only narratives' text from the edited reports alone."""
