# expect: float_division
# visible: passes
# The lesson's old answer: math.ceil(n / b) rounds up a float. Right for every real data set, but a
# float holds whole numbers exactly only up to 2**53: beyond it n / b is rounded first, and the count is off.
def num_iterations(n_samples, batch_size, epochs):
    return math.ceil(n_samples / batch_size) * epochs
