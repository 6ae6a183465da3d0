# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 4 · Losses and autograd
#
# Training a network needs two things:
#
# * a **loss**: one number that says how wrong the network's answers are on a batch, small when they
#   are good and large when they are bad;
# * the **gradient** of that loss with respect to every weight: which way, and how strongly, each
#   weight should move to make the loss smaller.
#
# You have already used both as a recipe: a loss function, then `loss.backward()`. This lesson looks
# at them closely. You meet the standard loss for classification, **cross-entropy**, compute it by hand
# on a tiny batch, see why PyTorch computes it from *logits* through `log_softmax`, and write a
# numerically stable version yourself (the graded exercise). Then you look inside **autograd**,
# PyTorch's automatic differentiation: `requires_grad`, the computation graph,
# `backward()`, `.grad`, why gradients accumulate, and how to switch autograd off for evaluation.
#
# **Objectives:** after this lesson you can compute cross-entropy from logits in a stable way, and
# use autograd: its graph, `backward`, accumulation and `no_grad`.
#
# **Time:** about 60 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 4 课 · 损失函数与自动求导
#
# 训练一个网络需要两样东西：
#
# * **损失函数**：用一个数衡量网络在一批数据上错得有多离谱，答得好时它小，答得差时它大；
# * 损失对每个权重的**梯度**：为了让损失变小，每个权重应该往哪个方向调、调多少。
#
# 前面的课里，你已经把这两样东西当作固定套路用过了：先算损失，再调用 `loss.backward()`。本课仔细看看它们。
# 我们先介绍分类问题的标准损失函数——**交叉熵**（cross-entropy），在一个很小的批量上手算一遍；
# 再看看 PyTorch 为什么要从 *logits* 出发、借助 `log_softmax` 来计算它，然后由你亲手实现一个数值稳定的版本
# （本课的评分练习）。最后，我们深入看看 PyTorch 的自动求导机制 **autograd**：`requires_grad`、
# 计算图、`backward()`、`.grad`，梯度为什么会累加，以及评估模型时怎样关掉 autograd。
#
# **学习目标：**学完本课，你将能够以数值稳定的方式从 logits 计算交叉熵，并掌握 autograd：计算图、`backward`、梯度累加和 `no_grad`。
#
# **用时：**约 60 分钟（阅读、运行每个单元格、完成练习）。

# %%
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import helper

device = helper.device()
generator = helper.seed_everything(0)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 1. Logits and probabilities
#
# A classifier's last layer outputs one score per class, the **logits**: any real numbers, positive
# or negative, that do not add up to anything in particular. Softmax (lesson 1) turns a row of
# logits $z$ into probabilities $p = \operatorname{softmax}(z)$, positive and summing to 1.
#
# For one example whose true class is $y$, the cross-entropy loss is the negative log of the
# probability the network gives to that class:
#
# $$\ell = -\log p_y .$$
#
# If the network is sure and right ($p_y = 1$) the loss is $0$; at $p_y = 0.5$ it is $0.69$; at
# $p_y = 0.01$ it is $4.6$; and it grows without limit as $p_y \to 0$, so a confident wrong answer
# costs a lot. For a batch of $N$ examples the loss is the **mean** of the $N$ per-example losses:
#
# $$L = \frac{1}{N}\sum_{n=1}^{N} -\log p_{n, y_n}.$$
#
# Here is a tiny batch: three images, three classes, true classes 0, 2 and 2. Let's compute $L$ by
# hand, one step at a time.

# %% [markdown] lang="zh"
# ## 1. logits 与概率
#
# 分类器的最后一层为每个类别输出一个分数，这就是 **logits**：它们可以是任意实数，可正可负，加起来也不等于什么特定的数。
# softmax（第 1 课）把一行 logits $z$ 变成概率 $p = \operatorname{softmax}(z)$，每个都是正数，且总和为 1。
#
# 对于一个真实类别为 $y$ 的样本，交叉熵损失就是网络给这个类别的概率取对数后的相反数：
#
# $$\ell = -\log p_y .$$
#
# 如果网络很有把握并且答对了（$p_y = 1$），损失为 $0$；$p_y = 0.5$ 时损失为 $0.69$；$p_y = 0.01$ 时为 $4.6$；
# 而当 $p_y \to 0$ 时，损失会无限增大。所以，“自信地答错”代价很高。对于含 $N$ 个样本的一批数据，
# 损失是这 $N$ 个样本损失的**平均值**：
#
# $$L = \frac{1}{N}\sum_{n=1}^{N} -\log p_{n, y_n}.$$
#
# 下面是一个很小的批量：三张图片、三个类别，真实类别依次是 0、2、2。我们一步一步手算 $L$。

# %%
logits = torch.tensor([[2.0, 1.0, 0.1],
                       [0.5, 2.5, 0.3],
                       [1.2, 0.2, 3.0]])
targets = torch.tensor([0, 2, 2])

probabilities = torch.softmax(logits, dim=1)
print(helper.tr(en="probabilities:", zh="概率："), "\n", probabilities)

# [en] Row n, column targets[n]: the probability of each image's true class.
# [zh] 第 n 行、第 targets[n] 列：每张图片真实类别的概率。
p_true = probabilities[torch.arange(3), targets]
losses = -torch.log(p_true)
print(helper.tr(en="p of the true class:", zh="真实类别的概率 p："), p_true)
print(helper.tr(en="per-example losses: ", zh="每个样本的损失："), losses)
print(helper.tr(en="mean loss:          ", zh="平均损失："), losses.mean())

# %% [markdown] lang="en"
# | image | logits | softmax | true class | $p_y$ | $-\log p_y$ |
# |---|---|---|---|---|---|
# | 0 | 2.0, 1.0, 0.1 | 0.659, 0.242, 0.099 | 0 | 0.659 | 0.417 |
# | 1 | 0.5, 2.5, 0.3 | 0.109, 0.803, 0.089 | 2 | 0.089 | 2.420 |
# | 2 | 1.2, 0.2, 3.0 | 0.135, 0.050, 0.816 | 2 | 0.816 | 0.204 |
#
# The mean is $(0.417 + 2.420 + 0.204)/3 = 1.014$. Image 1 is the expensive one: the network bets
# on class 1 while the answer is class 2, and that single mistake makes up most of the loss.
#
# `probabilities[torch.arange(3), targets]` pairs the row indices `0, 1, 2` with the column indices
# in `targets`, picking one entry per row: `[0, 0]`, `[1, 2]`, `[2, 2]`.
#
# **Think:** an untrained network often gives every class about the same probability. What is the
# loss then, for $C$ classes? For the ten digits of MNIST?

# %% [markdown] lang="zh"
# | 图片 | logits | softmax | 真实类别 | $p_y$ | $-\log p_y$ |
# |---|---|---|---|---|---|
# | 0 | 2.0, 1.0, 0.1 | 0.659, 0.242, 0.099 | 0 | 0.659 | 0.417 |
# | 1 | 0.5, 2.5, 0.3 | 0.109, 0.803, 0.089 | 2 | 0.089 | 2.420 |
# | 2 | 1.2, 0.2, 3.0 | 0.135, 0.050, 0.816 | 2 | 0.816 | 0.204 |
#
# 平均值是 $(0.417 + 2.420 + 0.204)/3 = 1.014$。代价最大的是图片 1：网络押的是类别 1，正确答案却是类别 2，
# 单这一个错误就占了损失的大头。
#
# `probabilities[torch.arange(3), targets]` 把行下标 `0, 1, 2` 和 `targets` 里的列下标一一配对，
# 每行取出一个元素：`[0, 0]`、`[1, 2]`、`[2, 2]`。
#
# **想一想：** 未经训练的网络常常给每个类别差不多相同的概率。这时，对于 $C$ 个类别，损失是多少？
# 对于 MNIST 的 10 个数字呢？

# %% [markdown] lang="en"
# ## 2. `nn.CrossEntropyLoss` takes logits
#
# PyTorch's `nn.CrossEntropyLoss` (and the function `F.cross_entropy`) does all of the above in one
# call. Two things to remember about its inputs:
#
# * the first argument is the **logits**, shape `(N, C)`: the loss applies softmax itself;
# * the targets are **class indices**, int64 of shape `(N,)`, not one-hot vectors.

# %% [markdown] lang="zh"
# ## 2. `nn.CrossEntropyLoss` 接收的是 logits
#
# PyTorch 的 `nn.CrossEntropyLoss`（以及函数 `F.cross_entropy`）一次调用就完成了上面所有步骤。它的输入有两点要记住：
#
# * 第一个参数是 **logits**，形状为 `(N, C)`：损失函数内部会自己做 softmax；
# * 目标（targets）是**类别下标**，形状为 `(N,)` 的 int64 张量，而不是 one-hot 向量。

# %%
criterion = nn.CrossEntropyLoss()
print(helper.tr(en="nn.CrossEntropyLoss on the logits:  ", zh="nn.CrossEntropyLoss 作用于 logits："), criterion(logits, targets))

# [en] A classic bug: passing probabilities. Softmax is then applied twice; no error, just a wrong loss.
# [zh] 经典错误：传入概率。这样 softmax 就被做了两次，不会报错，只是损失算错了。
print(helper.tr(en="... on the probabilities (wrong!): ", zh="……作用于概率（错误！）："), criterion(probabilities, targets))

# %% [markdown] lang="en"
# The second number looks harmless, which is exactly what makes this bug dangerous: softmax of
# probabilities squeezes them towards uniform (all inputs lie between 0 and 1), so the loss can
# never get close to 0 and its gradients are weak. The network still trains, just worse. If your
# model ends with `nn.Softmax`, do not feed its output to `nn.CrossEntropyLoss`.
#
# **The same loss in two steps.** Cross-entropy is "log-softmax, then pick the true class and
# average". PyTorch also offers the two halves separately: `nn.LogSoftmax(dim=1)` turns logits into
# log-probabilities $\log p$, and `nn.NLLLoss` (*negative log-likelihood*) picks $-\log p_{n, y_n}$
# in each row and averages. Despite its name, `nn.NLLLoss` takes no logarithm: it expects
# log-probabilities as input. You will see this pair in models whose last layer is `nn.LogSoftmax`.
# With `reduction="none"`, a loss returns the per-example losses instead of their mean.

# %% [markdown] lang="zh"
# 第二个数看起来并无异样，这正是这个错误危险的地方：对概率再做一次 softmax，会把它们压向均匀分布
# （因为所有输入都在 0 到 1 之间），于是损失永远无法接近 0，梯度也很弱。网络照样能训练，只是效果更差。
# 如果你的模型最后一层是 `nn.Softmax`，就不要把它的输出交给 `nn.CrossEntropyLoss`。
#
# **分两步计算同一个损失。** 交叉熵就是“先做 log-softmax，再取出真实类别那一项并求平均”。PyTorch 也把这两半分别提供给你：
# `nn.LogSoftmax(dim=1)` 把 logits 变成对数概率 $\log p$；`nn.NLLLoss`（*负对数似然*，negative log-likelihood）
# 在每一行取出 $-\log p_{n, y_n}$ 并求平均。别被名字误导：`nn.NLLLoss` 本身不取对数，它的输入应当已经是对数概率。
# 在最后一层为 `nn.LogSoftmax` 的模型里，你会经常看到这一对组合。设置 `reduction="none"` 时，
# 损失函数返回每个样本各自的损失，而不是它们的平均值。

# %%
log_probabilities = nn.LogSoftmax(dim=1)(logits)
print("LogSoftmax + NLLLoss:", nn.NLLLoss()(log_probabilities, targets))
print(helper.tr(en="per-example losses:  ", zh="每个样本的损失："), nn.CrossEntropyLoss(reduction="none")(logits, targets))

# %% [markdown] lang="en"
# ## 3. Why log-softmax is computed as $x - \operatorname{logsumexp}(x)$
#
# Taking the log of the softmax formula turns the division into a subtraction:
#
# $$\log \operatorname{softmax}(z)_i = \log \frac{e^{z_i}}{\sum_j e^{z_j}}
#   = z_i - \log \sum_j e^{z_j} = z_i - \operatorname{logsumexp}(z).$$
#
# The log-sum-exp is computed with the shift from lesson 1: with $m = \max_j z_j$,
#
# $$\operatorname{logsumexp}(z) = m + \log \sum_j e^{z_j - m}.$$
#
# Every exponent is now at most $e^0 = 1$ (no overflow), and the sum contains that $1$, so its log
# is finite and at least 0. Compare three ways of computing log-probabilities for the logits
# $1000, 0, -1000$, in float32:

# %% [markdown] lang="zh"
# ## 3. 为什么要用 $x - \operatorname{logsumexp}(x)$ 计算 log-softmax
#
# 对 softmax 公式取对数，除法就变成了减法：
#
# $$\log \operatorname{softmax}(z)_i = \log \frac{e^{z_i}}{\sum_j e^{z_j}}
#   = z_i - \log \sum_j e^{z_j} = z_i - \operatorname{logsumexp}(z).$$
#
# 其中的 log-sum-exp 用第 1 课的平移技巧来算：令 $m = \max_j z_j$，
#
# $$\operatorname{logsumexp}(z) = m + \log \sum_j e^{z_j - m}.$$
#
# 这样每个指数项最大也只有 $e^0 = 1$，不会溢出；而且求和中一定包含这个 $1$，所以它的对数是有限的，并且不小于 0。
# 下面用 float32 比较三种计算对数概率的方法，logits 为 $1000, 0, -1000$：

# %%
z = torch.tensor([1000.0, 0.0, -1000.0])

naive = torch.log(torch.exp(z) / torch.exp(z).sum())
shifted = torch.exp(z - z.max())
log_of_stable_softmax = torch.log(shifted / shifted.sum())
log_softmax = z - torch.logsumexp(z, dim=0)

print("log(exp(z) / sum):       ", naive)
print(helper.tr(en="log(stable softmax):     ", zh="log(稳定的 softmax)：     "), log_of_stable_softmax)
print("z - logsumexp(z):        ", log_softmax)
print("torch.log_softmax:       ", torch.log_softmax(z, dim=0))

# %% [markdown] lang="en"
# * The naive formula overflows: $e^{1000} = \infty$, and $\infty/\infty$ is `nan`.
# * The stable softmax of lesson 1 avoids the overflow, but $e^{-1000}$ and $e^{-2000}$ **underflow**
#   to exactly 0, and $\log 0 = -\infty$. If the true class of this example were the last one, the
#   loss would be $\infty$, and one infinite loss turns every gradient, and then every weight, into `nan`.
# * Working in log space never forms the tiny probability at all: the answer $-2000$ is exact. A
#   loss of 2000 is huge, but finite, and its gradient tells the network what to fix.
#
# This is why losses take logits: `F.cross_entropy` can then use log-softmax internally and stay
# finite however confident (and however wrong) the network is.
#
# **Think:** why is $\log \sum_j e^{z_j - m}$ never negative, and never larger than $\log C$?

# %% [markdown] lang="zh"
# * 朴素公式会溢出：$e^{1000} = \infty$，而 $\infty/\infty$ 的结果是 `nan`。
# * 第 1 课的稳定版 softmax 避免了溢出，但 $e^{-1000}$ 和 $e^{-2000}$ 会**下溢**成精确的 0，而 $\log 0 = -\infty$。
#   如果这个样本的真实类别是最后一类，损失就是 $\infty$；只要出现一个无穷大的损失，所有梯度、进而所有权重都会变成 `nan`。
# * 在对数空间里计算，根本不会生成那个极小的概率：答案 $-2000$ 是精确的。2000 的损失虽然很大，但它是有限的，
#   它的梯度能告诉网络该改正什么。
#
# 这就是损失函数接收 logits 的原因：这样 `F.cross_entropy` 就能在内部使用 log-softmax，
# 无论网络多么自信（又错得多么离谱），结果都是有限的。
#
# **想一想：** 为什么 $\log \sum_j e^{z_j - m}$ 永远不会是负数，也永远不会超过 $\log C$？

# %% [markdown] lang="en"
# ### Exercise (3 points): write `cross_entropy`
#
# Complete `cross_entropy(logits, targets)` for logits of shape `(N, C)` and int64 targets of shape
# `(N,)` with values in `0, …, C-1`. Return the mean over the batch of $-\log \operatorname{softmax}
# (\text{logits})_{n, \text{targets}[n]}$ as **one number**: a 0-dim tensor with the dtype and device of
# `logits`, equal to `F.cross_entropy(logits, targets)`.
#
# * Compute the log-softmax yourself, stably: subtract each row's maximum and then the log of the
#   sum of the exponentials, or use `torch.logsumexp(..., dim=1, keepdim=True)` (allowed).
# * Pick each row's true class with `log_probs[torch.arange(N, device=logits.device), targets]` or with
#   `log_probs.gather(1, targets.unsqueeze(1))`.
# * Not allowed: `F.cross_entropy`, `nn.CrossEntropyLoss`, `F.nll_loss`, `nn.NLLLoss`,
#   `torch.log_softmax`, `nn.LogSoftmax`, `torch.softmax`.
# * Use tensor operations only, so that autograd can differentiate your loss (no `.item()`); the
#   checks compare your loss's gradient with `F.cross_entropy`'s. Do not modify `logits` or `targets`.

# %% [markdown] lang="zh"
# ### 练习（3 分）：实现 `cross_entropy`
#
# 补全 `cross_entropy(logits, targets)`。`logits` 的形状为 `(N, C)`，`targets` 是形状为 `(N,)` 的 int64 张量，
# 取值在 `0, …, C-1` 之间。返回 $-\log \operatorname{softmax}(\text{logits})_{n, \text{targets}[n]}$ 在这一批上的平均值，
# 结果是**一个数**：数据类型和设备都与 `logits` 相同的 0 维张量，等于 `F.cross_entropy(logits, targets)`。
#
# * 自己以数值稳定的方式计算 log-softmax：每一行先减去该行的最大值，再减去指数和的对数；
#   也可以使用 `torch.logsumexp(..., dim=1, keepdim=True)`（允许使用）。
# * 用 `log_probs[torch.arange(N, device=logits.device), targets]` 或
#   `log_probs.gather(1, targets.unsqueeze(1))` 取出每一行真实类别的那一项。
# * 不允许使用：`F.cross_entropy`、`nn.CrossEntropyLoss`、`F.nll_loss`、`nn.NLLLoss`、
#   `torch.log_softmax`、`nn.LogSoftmax`、`torch.softmax`。
# * 只用张量运算，让 autograd 能对你的损失求导（不要用 `.item()`）；检查会把你的损失的梯度与 `F.cross_entropy`
#   的梯度进行比较。不要修改 `logits` 或 `targets`。

# %% solution="cross_entropy"
def cross_entropy(logits, targets):
    """Mean cross-entropy of (N, C) logits against (N,) int64 class indices, as a 0-dim tensor."""
    ### BEGIN SOLUTION
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean()
    ### END SOLUTION


# %% tests="test_cross_entropy" points=3
from autograder import check

check("cross_entropy", cross_entropy)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("cross_entropy", cross_entropy)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 4. The loss of a real network
#
# Now a network in the style of lesson 2, `784 → 128 → 64 → 10` with ReLU activations, on one batch
# of 64 MNIST digits. Its last layer has no activation: it outputs logits, ready for the loss.
# `helper.load_tensors` holds a whole data set in memory as tensors; we take the batch from the
# 10,000 test images, which load faster than the 60,000 training images (any batch will do for an
# untrained network).

# %% [markdown] lang="zh"
# ## 4. 一个真实网络的损失
#
# 现在换成第 2 课那样的网络：`784 → 128 → 64 → 10`，激活函数用 ReLU，输入是一批 64 张 MNIST 手写数字。
# 它的最后一层没有激活函数，输出的就是 logits，可以直接交给损失函数。`helper.load_tensors` 把整个数据集以张量的形式放在内存里；
# 这一批取自 10,000 张测试图片，它们比 60,000 张训练图片加载得更快（对未经训练的网络来说，用哪一批都一样）。

# %%
images, labels = helper.load_tensors("MNIST", train=False)
loader = DataLoader(TensorDataset(images, labels), batch_size=64, shuffle=True, generator=generator)
batch_images, batch_labels = next(iter(loader))
inputs = batch_images.flatten(start_dim=1).to(device)
batch_labels = batch_labels.to(device)

model = nn.Sequential(
    nn.Linear(784, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
).to(device)

batch_logits = model(inputs)
loss = criterion(batch_logits, batch_labels)
print("logits:", batch_logits.shape)
print(f"nn.CrossEntropyLoss: {loss.item():.4f}")
print(helper.tr(en="your cross_entropy: ", zh="你的 cross_entropy："), f"{cross_entropy(batch_logits, batch_labels).item():.4f}")
print(f"log(10) = {torch.log(torch.tensor(10.0)).item():.4f}")

# %% [markdown] lang="en"
# The untrained network's loss is close to $\log 10 \approx 2.30$: `nn.Linear` starts with small
# weights, so the logits are small, softmax is nearly uniform, and every digit gets a probability
# near $1/10$. This is a useful sanity check before any training: a first loss far from $\log C$
# usually means a bug (probabilities fed to the loss, wrong labels, badly scaled inputs). Compare
# lesson 1, whose huge random weights made the network confidently wrong.

# %% [markdown] lang="zh"
# 未经训练的网络，损失接近 $\log 10 \approx 2.30$：`nn.Linear` 初始化时权重很小，所以 logits 也很小，softmax
# 近乎均匀，每个数字分到的概率都在 $1/10$ 左右。这是训练前一个很有用的自检：如果第一个损失值离 $\log C$ 很远，
# 通常说明哪里有 bug（把概率交给了损失函数、标签错了、输入的尺度不对等）。对比一下第 1 课：那里随机权重很大，
# 网络自信满满，却是错的。

# %% [markdown] lang="en"
# ## 5. Autograd: gradients, automatically
#
# To lower the loss we nudge each weight $w$ against its gradient, $w \leftarrow w - \eta\,
# \partial L / \partial w$, with a small learning rate $\eta$. The network above has about 110,000
# weights; **autograd** computes all their gradients for us:
#
# * a tensor created with `requires_grad=True` is *tracked*: every operation on it is recorded as a
#   node of a **computation graph**, and each result remembers the function that made it in `.grad_fn`;
# * `loss.backward()` walks that graph backwards from the loss, applying the chain rule at each
#   node, and adds $\partial\,\text{loss} / \partial x$ into `x.grad` for every tracked tensor `x`
#   that the loss depends on.
#
# A small example we can check by hand: $x = (1, 2, 3)$, $y = x^2$ element-wise, $s = \sum_i y_i$.
# Since $s = x_1^2 + x_2^2 + x_3^2$, the gradient is $\partial s / \partial x_i = 2 x_i$, that is $(2, 4, 6)$.

# %% [markdown] lang="zh"
# ## 5. autograd：自动求梯度
#
# 要降低损失，就让每个权重 $w$ 沿着梯度的反方向挪一小步：$w \leftarrow w - \eta\, \partial L / \partial w$，
# 其中 $\eta$ 是一个较小的学习率。上面的网络大约有 11 万个权重，**autograd** 会替我们算出所有这些梯度：
#
# * 用 `requires_grad=True` 创建的张量会被*追踪*：对它做的每一次运算都会作为一个节点记录进**计算图**，
#   每个结果都在 `.grad_fn` 里记住是哪个函数生成了它；
# * `loss.backward()` 从损失出发沿着计算图反向遍历，在每个节点应用链式法则，把 $\partial\,\text{loss} / \partial x$
#   累加到损失所依赖的每个被追踪张量 `x` 的 `x.grad` 中。
#
# 先看一个可以手算验证的小例子：$x = (1, 2, 3)$，逐元素计算 $y = x^2$，再求和 $s = \sum_i y_i$。
# 因为 $s = x_1^2 + x_2^2 + x_3^2$，所以梯度是 $\partial s / \partial x_i = 2 x_i$，也就是 $(2, 4, 6)$。

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
s = y.sum()
print("y.grad_fn:", y.grad_fn, "  s.grad_fn:", s.grad_fn)
print("s.grad_fn.next_functions:", s.grad_fn.next_functions)
print(helper.tr(en="x.grad before backward:", zh="backward 之前的 x.grad："), x.grad)

s.backward()
print(helper.tr(en="x.grad after backward: ", zh="backward 之后的 x.grad："), x.grad, "  2x =", 2 * x.detach())

# %% [markdown] lang="en"
# `s.grad_fn` is the `sum` node, and its `next_functions` point back to the `pow` node that made
# `y`, which in turn points to `x`: that chain is the graph `backward()` walks. Note:
#
# * `backward()` with no argument needs a **scalar**, such as a loss (a mean or a sum);
# * only *leaf* tensors you created with `requires_grad=True` (and a model's parameters) keep their
#   `.grad`; intermediate results like `y` do not;
# * after `backward()` the graph is freed, so calling `s.backward()` a second time is an error.
#   Each forward pass builds a fresh graph.

# %% [markdown] lang="zh"
# `s.grad_fn` 是求和（`sum`）节点，它的 `next_functions` 指回生成 `y` 的平方（`pow`）节点，后者又指向 `x`：
# 这条链就是 `backward()` 要遍历的计算图。注意：
#
# * 不带参数的 `backward()` 要求调用者是一个**标量**，比如损失（平均值或总和）；
# * 只有你用 `requires_grad=True` 创建的*叶子*张量（以及模型的参数）才会保留 `.grad`，像 `y` 这样的中间结果不会；
# * `backward()` 之后计算图就被释放了，所以第二次调用 `s.backward()` 会报错。每一次前向计算都会构建一张新的计算图。

# %% [markdown] lang="en"
# ### Gradients accumulate
#
# `backward()` **adds** into `.grad`; it does not overwrite it. Run a second forward and backward pass
# and the gradient doubles:

# %% [markdown] lang="zh"
# ### 梯度会累加
#
# `backward()` 会把梯度**加到** `.grad` 上，而不是覆盖它。再做一次前向和反向计算，梯度就翻倍了：

# %%
(x ** 2).sum().backward()
print(helper.tr(en="after a second backward:", zh="第二次 backward 之后："), x.grad)

# [en] Reset before the next step: zero it in place, or set it to None (what optimizer.zero_grad() does).
# [zh] 下一步之前先清零：原地置零，或者直接设为 None（optimizer.zero_grad() 就是这么做的）。
x.grad.zero_()
print(helper.tr(en="after zero_():          ", zh="zero_() 之后："), x.grad)
(x ** 2).sum().backward()
print(helper.tr(en="a fresh backward:       ", zh="重新 backward 一次："), x.grad)

# %% [markdown] lang="en"
# Accumulation is deliberate: it lets you sum the gradients of several losses or several small
# batches before taking one step. But in an ordinary training loop it means you **must zero the
# gradients at every step**; forget it and each step uses the sum of all past gradients, and the
# updates grow until training diverges.
#
# ### The gradients of the network
#
# A model's parameters are created with `requires_grad=True`, so `loss.backward()` fills in a
# gradient for every weight and bias, each with the same shape as the parameter itself.

# %% [markdown] lang="zh"
# 累加是有意为之的：它让你可以先把几个损失、或者几个小批量的梯度加起来，再统一更新一步。
# 但在普通的训练循环里，这意味着**每一步都必须把梯度清零**；忘了清零，每一步用的就是过去所有梯度之和，
# 更新幅度越来越大，直到训练发散。
#
# ### 网络的梯度
#
# 模型的参数在创建时就设置了 `requires_grad=True`，所以 `loss.backward()` 会为每个权重和偏置都算出梯度，
# 梯度的形状与参数本身相同。

# %%
first_layer = model[0]
print(helper.tr(en="before backward:", zh="backward 之前："), first_layer.weight.grad)
loss.backward()
print(helper.tr(en="weight:", zh="权重："), tuple(first_layer.weight.shape),
      helper.tr(en="  gradient:", zh="  梯度："), tuple(first_layer.weight.grad.shape))
for name, parameter in model.named_parameters():
    print(f"{name:9s} |gradient| = {parameter.grad.norm().item():.4f}")

# %% [markdown] lang="en"
# **What backward computes for cross-entropy.** Write one example's loss with the log-softmax of
# section 3: $\ell = -z_y + \operatorname{logsumexp}(z)$. The derivative of $\operatorname{logsumexp}(z)$
# with respect to $z_i$ is $e^{z_i} / \sum_j e^{z_j} = p_i$, the softmax! So
#
# $$\frac{\partial \ell}{\partial z_i} = p_i - [i = y],$$
#
# the probabilities minus the one-hot target, divided by $N$ for the mean over the batch. Every
# entry lies between $-1$ and $1$, even when the loss is huge. Let's check it on the worked example:

# %% [markdown] lang="zh"
# **对交叉熵，backward 算出了什么？** 用第 3 节的 log-softmax 写出单个样本的损失：
# $\ell = -z_y + \operatorname{logsumexp}(z)$。$\operatorname{logsumexp}(z)$ 对 $z_i$ 的导数是
# $e^{z_i} / \sum_j e^{z_j} = p_i$，恰好就是 softmax！所以
#
# $$\frac{\partial \ell}{\partial z_i} = p_i - [i = y],$$
#
# 即概率减去 one-hot 形式的目标；对一批数据取平均时再除以 $N$。即使损失很大，梯度的每一项也都在 $-1$ 到 $1$ 之间。
# 在前面的小例子上验证一下：

# %%
tracked = logits.clone().requires_grad_(True)
cross_entropy(tracked, targets).backward()

by_hand = (torch.softmax(logits, dim=1) - F.one_hot(targets, num_classes=3)) / len(targets)
print("autograd:\n", tracked.grad)
print("(softmax - one_hot) / N:\n", by_hand)
print(helper.tr(en="the same:", zh="相同："), torch.allclose(tracked.grad, by_hand))

# %% [markdown] lang="en"
# ### A graph with its values and gradients
#
# Here is the graph of a tiny two-layer network (one input, one hidden unit, one output, sigmoids,
# the binary cross-entropy of lesson 5), with the value of every node from the forward pass (black)
# and the gradient of the loss with respect to it from the backward pass (red). Autograd keeps
# `.grad` only for leaf tensors; `retain_grad()` asks it to keep the gradients of intermediate
# results too, so that we can show them.

# %% [markdown] lang="zh"
# ### 带数值和梯度的计算图
#
# 下面是一个极小的两层网络的计算图（一个输入、一个隐藏单元、一个输出，都用 sigmoid，损失是第 5 课的二元交叉熵）：
# 每个节点下方（黑色）是前向传播算出的值，上方（红色）是反向传播算出的、损失对它的梯度。
# autograd 只为叶子张量保留 `.grad`；`retain_grad()` 让它把中间结果的梯度也留下来，这样我们才能把它们画出来。

# %%
X_tiny, y_tiny = torch.tensor([[1.5]]), torch.tensor([[1.0]])
W1_tiny = torch.tensor([[0.8]], requires_grad=True)
W2_tiny = torch.tensor([[-0.5]], requires_grad=True)
nodes = {"z1": X_tiny @ W1_tiny}
nodes["h"] = torch.sigmoid(nodes["z1"])
nodes["z2"] = nodes["h"] @ W2_tiny
nodes["y_hat"] = torch.sigmoid(nodes["z2"])
nodes["L"] = F.binary_cross_entropy(nodes["y_hat"], y_tiny)
for node in nodes.values():
    node.retain_grad()
nodes["L"].backward()
nodes.update(X=X_tiny, y=y_tiny, W1=W1_tiny, W2=W2_tiny)
helper.diagrams.computational_graph(values={name: t.item() for name, t in nodes.items()},
                                    gradients={name: t.grad.item() for name, t in nodes.items() if t.grad is not None});

# %% [markdown] lang="en"
# ## 6. Switching autograd off: `torch.no_grad()` and `.detach()`
#
# Recording the graph costs time and memory, and is wasted when we only want answers, for example
# to measure accuracy. Inside `with torch.no_grad():` nothing is recorded: results have no `grad_fn`
# and `requires_grad=False`.
#
# `.detach()` returns a tensor with the same values (sharing the same memory) but cut off from the
# graph. Use it to keep a number without keeping the whole graph alive (for a loss history,
# `loss.item()` or `loss.detach()`), and before `.numpy()`, which refuses tensors that require grad.

# %% [markdown] lang="zh"
# ## 6. 关掉 autograd：`torch.no_grad()` 与 `.detach()`
#
# 记录计算图要花时间和内存；如果我们只想要结果（比如计算准确率），这些开销就白费了。在 `with torch.no_grad():`
# 里什么都不会被记录：得到的结果没有 `grad_fn`，`requires_grad=False`。
#
# `.detach()` 返回一个数值相同（并且共享同一块内存）、但与计算图断开的张量。想保存一个数又不想让整张计算图一直占着内存时
# （比如记录损失曲线，用 `loss.item()` 或 `loss.detach()`），以及调用 `.numpy()` 之前，都要用它：
# `.numpy()` 不接受需要梯度的张量。

# %%
with torch.no_grad():
    evaluation_logits = model(inputs)
print(helper.tr(en="inside no_grad:  requires_grad =", zh="no_grad 之内：requires_grad ="), evaluation_logits.requires_grad,
      "  grad_fn =", evaluation_logits.grad_fn)
print(helper.tr(en="outside no_grad: requires_grad =", zh="no_grad 之外：requires_grad ="), batch_logits.requires_grad,
      " grad_fn =", batch_logits.grad_fn)

try:
    batch_logits.numpy()
except (RuntimeError, TypeError) as error:
    print(helper.tr(en="numpy() on a tracked tensor:", zh="对被追踪的张量调用 numpy()："), error)
print(helper.tr(en="detach first:", zh="先 detach："), batch_logits.detach().cpu().numpy().shape)

accuracy = (evaluation_logits.argmax(dim=1) == batch_labels).float().mean().item()
print(helper.tr(en=f"accuracy of the untrained network on this batch: {accuracy:.0%}",
               zh=f"未经训练的网络在这一批上的准确率：{accuracy:.0%}"))

# %% [markdown] lang="en"
# `torch.no_grad()` is not the same as `model.eval()`: `eval()` switches layers such as dropout
# and batch normalisation to their evaluation behaviour, while `no_grad()` switches off the
# recording of the graph. To evaluate a model you normally use both.

# %% [markdown] lang="zh"
# `torch.no_grad()` 与 `model.eval()` 不是一回事：`eval()` 让 dropout、批量归一化（batch normalization）
# 等层切换到评估时的行为，而 `no_grad()` 关掉的是计算图的记录。评估模型时，通常两者都要用。

# %% [markdown] lang="en"
# ## Summary
#
# * Cross-entropy is $-\log p_y$ averaged over the batch; `nn.CrossEntropyLoss` takes **logits** (it
#   applies log-softmax itself).
# * Log-softmax computed as $z - \operatorname{logsumexp}(z)$ never forms a tiny probability, so it
#   stays finite where $\log(\operatorname{softmax})$ gives $-\infty$.
# * Autograd records a graph of `grad_fn`s; `backward()` on a scalar walks it back and **adds**
#   $\partial L/\partial x$ to every tracked leaf's `.grad`.
# * The gradient of cross-entropy with respect to the logits is $(p - \text{one-hot})/N$.
#   `torch.no_grad()` and `.detach()` switch recording off; `model.eval()` is a different switch.

# %% [markdown] lang="zh"
# ## 小结
#
# * 交叉熵就是 $-\log p_y$ 在整个批次上的平均；`nn.CrossEntropyLoss` 接收的是 **logits**（它自己做 log-softmax）。
# * 用 $z - \operatorname{logsumexp}(z)$ 计算 log-softmax，根本不会生成极小的概率，所以在 $\log(\operatorname{softmax})$ 得到 $-\infty$ 的地方，它仍然是有限的。
# * autograd 记录一张由 `grad_fn` 组成的计算图；对一个标量调用 `backward()`，就沿图反向遍历，把 $\partial L/\partial x$ **累加**到每个被追踪的叶子张量的 `.grad` 上。
# * 交叉熵对 logits 的梯度是 $(p - \text{one-hot})/N$。`torch.no_grad()` 和 `.detach()` 关闭记录；`model.eval()` 是另一个开关。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. $10^{-50}$ is below the smallest float32 (about $1.4 \cdot 10^{-45}$), so softmax returns
#    exactly 0 and `-torch.log` reports `inf`. `F.cross_entropy` works in log space, $z_y -
#    \operatorname{logsumexp}(z) = \log 10^{-50}$, and reports the correct, finite $50 \ln 10
#    \approx 115.1$.
# 2. For the true class the gradient is $p_y - 1$: close to $-1$ when $p_y \approx 0$ (confident and
#    wrong: the strongest push) and close to 0 when $p_y \approx 1$ (confident and right: nothing
#    left to learn). A wrong class gets $+p_i$, large exactly when the network believes in it. Every
#    entry stays between $-1$ and $1$.
# 3. At step 10, `.grad` holds the **sum** of the gradients of steps 1 to 10, each computed at the
#    weights of its own step. The steps grow and keep pointing in old directions, like momentum that
#    never decays, and training goes wrong without an error.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. $10^{-50}$ 比 float32 能表示的最小正数（约 $1.4 \cdot 10^{-45}$）还小，所以 softmax 返回的恰好是 0，`-torch.log` 报告 `inf`。`F.cross_entropy` 在对数空间里计算，$z_y - \operatorname{logsumexp}(z) = \log 10^{-50}$，报告的是正确且有限的 $50 \ln 10 \approx 115.1$。
# 2. 对真实类别，梯度是 $p_y - 1$：当 $p_y \approx 0$ 时接近 $-1$（自信地答错：推力最大），当 $p_y \approx 1$ 时接近 0（自信地答对：没什么可学的了）。错误类别的梯度是 $+p_i$，网络越相信它，这个数越大。每一项都在 $-1$ 到 $1$ 之间。
# 3. 第 10 步时，`.grad` 里是第 1 到第 10 步梯度的**总和**，而每一步的梯度又是在当时的权重上算出的。步子越来越大，而且一直沿着旧的方向走，就像永不衰减的动量；训练出了问题，却没有任何报错。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. In float32 a network gives the true class of one image a probability of $10^{-50}$. What loss does
#    `-torch.log(softmax(z)[y])` report for it, and what does `F.cross_entropy` report?
# 2. The gradient of cross-entropy with respect to a logit is $p_i - [i = y]$. Why does a confident
#    wrong answer get the strongest push, and a confident right answer almost none?
# 3. In a training loop you forget to zero the gradients. What is actually used as the gradient at
#    step 10?
#
# **Next:** what `backward()` does, done by hand: backpropagation through a two-layer network,
# with the chain rule, step by step.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 在 float32 下，网络给某张图片真实类别的概率是 $10^{-50}$。`-torch.log(softmax(z)[y])` 报告的损失是多少？
#    `F.cross_entropy` 报告的又是多少？
# 2. 交叉熵对某个 logit 的梯度是 $p_i - [i = y]$。为什么自信地答错会得到最强的“推力”，而自信地答对几乎得不到推力？
# 3. 在训练循环里忘了把梯度清零。第 10 步实际用作梯度的是什么？
#
# **下一课：** 亲手完成 `backward()` 所做的事：在一个两层网络上，用链式法则一步一步地做反向传播。
