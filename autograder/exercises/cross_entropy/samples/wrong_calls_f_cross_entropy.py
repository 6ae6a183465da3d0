# expect: forbidden_call
# Calls the library loss the exercise forbids.
def cross_entropy(logits, targets):
    return F.cross_entropy(logits, targets)
