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
# # Lesson 1 · From weight matrices to softmax
#
# A neural network is, at heart, a few matrix multiplications with a simple function in between.
# In this lesson you build one by hand, with nothing but tensors:
#
# 1. load a batch of handwritten digits (MNIST) and look at it;
# 2. flatten each 28×28 image into a vector of 784 numbers;
# 3. push the batch through a 784 → 256 → 10 network made of weight matrices and a sigmoid;
# 4. turn the network's 10 scores per image into probabilities with **softmax**, which you write
#    yourself (the graded exercise), in a way that does not break on large numbers.
#
# The network is untrained, so its answers are guesses. Training it is the subject of the next lessons.
#
# **Objectives:** after this lesson you can build a two-layer network from plain tensors, read its
# shapes, and write a softmax that does not overflow.
#
# **Time:** about 45 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 1 课 · 从权重矩阵到 softmax
#
# 神经网络的核心，其实就是几次矩阵乘法，中间夹着一个简单的函数。本课只用张量，亲手搭一个网络：
#
# 1. 加载一批手写数字（MNIST），先看看数据长什么样；
# 2. 把每张 28×28 的图片展平成一个含 784 个数的向量；
# 3. 让这批数据通过一个由权重矩阵和 sigmoid 组成的 784 → 256 → 10 网络；
# 4. 用 **softmax** 把网络给每张图片打出的 10 个分数变成概率。softmax 由你自己实现（本课的评分练习），
#    而且遇到很大的数也不能出错。
#
# 这个网络还没有训练过，所以它的回答只是瞎猜。怎样训练它，是后面几课的内容。
#
# **学习目标：**学完本课，你将能够只用张量搭一个两层网络，看懂每一步的形状，并写出一个不会溢出的 softmax。
#
# **用时：**约 45 分钟（阅读、运行每个单元格、完成练习）。

# %%
import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

import helper

device = helper.device()
generator = helper.seed_everything(0)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 1. A batch of digits
#
# `torchvision.datasets.MNIST` reads the 60,000 training images; `transforms.ToTensor()` turns each
# one into a tensor of shape `(1, 28, 28)` (one colour channel) with values between 0 and 1.
# A `DataLoader` hands them out in batches; we take one batch of 64.

# %% [markdown] lang="zh"
# ## 1. 一批手写数字
#
# `torchvision.datasets.MNIST` 读取 60,000 张训练图片，`transforms.ToTensor()` 把每张图片变成形状为
# `(1, 28, 28)`（一个颜色通道）、取值在 0 到 1 之间的张量。`DataLoader` 按批次分发数据，我们取一批，共 64 张。

# %%
train_set = datasets.MNIST(helper.data_root(), train=True, download=False, transform=transforms.ToTensor())
loader = DataLoader(train_set, batch_size=64, shuffle=True, generator=generator)

images, labels = next(iter(loader))
print(images.shape, images.dtype, labels.shape)
helper.show_batch(images[:16], labels[:16], classes="mnist");

# %% [markdown] lang="en"
# ## 2. Flatten: one row per image
#
# The network we are about to build treats an image as a plain list of 784 pixel values, so we
# reshape the batch from `(64, 1, 28, 28)` to `(64, 784)`. `flatten(start_dim=1)` keeps the first
# dimension (the batch) and merges all the others. Each **row** of `inputs` is now one image.

# %% [markdown] lang="zh"
# ## 2. 展平：每张图片占一行
#
# 我们要搭的网络把一张图片看作由 784 个像素值组成的一维向量，所以要把这批数据的形状从 `(64, 1, 28, 28)`
# 变成 `(64, 784)`。`flatten(start_dim=1)` 保留第一个维度（批次），把其余维度合并成一个。
# 现在 `inputs` 的每一**行**就是一张图片。

# %%
inputs = images.flatten(start_dim=1).to(device)
print(inputs.shape)

# %% [markdown] lang="en"
# ## 3. A network from weight matrices
#
# A layer multiplies its input by a weight matrix and adds a bias vector: for a batch $X$ of shape
# `(64, 784)` and weights $W_1$ of shape `(784, 256)`, the product $X W_1$ has shape `(64, 256)`,
# one row of 256 hidden values per image. The bias $b_1$ (shape `(256,)`) is added to every row by
# *broadcasting*. Between the layers sits an activation function; we use the sigmoid
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# which squashes any number into $(0, 1)$. Without it, two layers would collapse into one matrix product.
# The second layer maps the 256 hidden values to 10 scores, one per digit. Scores like these,
# before they are turned into probabilities, are called **logits**.

# %% [markdown] lang="zh"
# ## 3. 用权重矩阵搭一个网络
#
# 一层网络就是把输入乘以一个权重矩阵，再加上一个偏置向量。对于形状为 `(64, 784)` 的一批数据 $X$
# 和形状为 `(784, 256)` 的权重 $W_1$，乘积 $X W_1$ 的形状是 `(64, 256)`：每张图片对应一行，共 256 个隐藏值。
# 偏置 $b_1$（形状 `(256,)`）通过**广播**加到每一行上。两层之间要有一个激活函数，这里用 sigmoid：
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# 它把任何实数压缩到 $(0, 1)$ 区间。如果没有激活函数，两层线性变换叠起来仍然只相当于一次矩阵乘法。
# 第二层把 256 个隐藏值映射成 10 个分数，每个数字一个。这种尚未转换成概率的分数叫作 **logits**。

# %% [markdown] lang="en"
# One hidden unit is one **neuron**: it multiplies each input by a weight, adds the products and a
# bias, and passes the sum through the activation. A layer is many neurons side by side, and the
# matrix product computes all of them for all the images of the batch at once (lesson 2 draws the
# whole network with its shapes):

# %% [markdown] lang="zh"
# 每个隐藏单元就是一个**神经元**：它把每个输入乘以一个权重，把乘积和偏置加起来，再把和送进激活函数。
# 一层就是并排的许多神经元；一次矩阵乘法就把这一批所有图片在所有神经元上的结果一起算出来（第 2 课会画出整个网络及其形状）：

# %%
helper.diagrams.neuron();

# %%
def sigmoid(z):
    return 1 / (1 + torch.exp(-z))


n_input, n_hidden, n_output = 784, 256, 10

# [en] Random weights: the network knows nothing yet.
# [zh] 随机初始化的权重：网络此时什么都还没学到。
W1 = torch.randn(n_input, n_hidden, device=device)
b1 = torch.randn(n_hidden, device=device)
W2 = torch.randn(n_hidden, n_output, device=device)
b2 = torch.randn(n_output, device=device)

hidden = sigmoid(torch.mm(inputs, W1) + b1)
logits = torch.mm(hidden, W2) + b2
print("hidden:", hidden.shape, " logits:", logits.shape)

n_parameters = sum(t.numel() for t in (W1, b1, W2, b2))
print(helper.tr(en=f"{n_parameters:,} parameters", zh=f"共 {n_parameters:,} 个参数"))

# %% [markdown] lang="en"
# **Think:** check the parameter count by hand: $784 \cdot 256 + 256 + 256 \cdot 10 + 10$.
# Which layer holds almost all of them, and why?

# %% [markdown] lang="zh"
# **想一想：** 手算验证一下参数个数：$784 \cdot 256 + 256 + 256 \cdot 10 + 10$。
# 几乎所有参数都集中在哪一层？为什么？

# %% [markdown] lang="en"
# ## 4. From scores to probabilities: softmax
#
# Logits can be any real numbers. To read them as probabilities we need numbers that are positive
# and add up to 1 in each row, while a larger score still means a more likely class. Softmax does
# exactly this, for a row of scores $z_1, \dots, z_C$:
#
# $$\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{C} e^{z_j}}.$$


# %% [markdown] lang="zh"
# ## 4. 从分数到概率：softmax
#
# logits 可以是任意实数。要把它们当作概率，每一行的数必须都是正数且加起来等于 1，同时分数越高的类别，
# 概率也应该越大。softmax 做的正是这件事。对于一行分数 $z_1, \dots, z_C$：
#
# $$\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{C} e^{z_j}}.$$


# %%
# [en] Four logits and their softmax: the largest logit gets the largest probability.
# [zh] 四个 logits 及其 softmax：最大的 logit 得到最大的概率。
helper.diagrams.softmax_bars([2.0, 1.0, -1.0, 0.5]);

# %% [markdown] lang="en"
# **The trap: overflow.** $e^{z}$ grows very fast: in 32-bit floats, $e^{89}$ is already infinite.
# Logits of a few hundred are common in practice, and then the formula computes $\infty / \infty$,
# which is `nan`:

# %% [markdown] lang="zh"
# **陷阱：数值溢出。** $e^{z}$ 增长极快，在 32 位浮点数里，$e^{89}$ 就已经是无穷大了。
# 实际中几百大小的 logits 很常见，这时公式算出来的是 $\infty / \infty$，结果就是 `nan`：

# %%
big = torch.tensor([[1000.0, 1001.0, 999.0]])
print(torch.exp(big))
print(torch.exp(big) / torch.exp(big).sum(dim=1, keepdim=True))

# %% [markdown] lang="en"
# **The fix.** Subtracting the same number $c$ from every score in a row does not change softmax,
# because $e^{z_i - c} = e^{z_i} e^{-c}$ and the factor $e^{-c}$ cancels between top and bottom.
# Choose $c = \max_j z_j$: then the largest exponent is $e^0 = 1$ (no overflow), and the sum is at
# least 1 (no division by zero).
#
# **The shapes.** For a batch `x` of shape `(N, C)`, the maximum and the sum are taken along each
# row, `dim=1`. With `keepdim=True` they have shape `(N, 1)`, which broadcasts against `(N, C)`;
# without it they have shape `(N,)`, which lines up with the columns instead of the rows.
#
# **What `max` returns.** `x.sum(dim=1)` returns one tensor, but `x.max(dim=1)` returns *two*: the
# largest value of each row and the column where it sits, as a pair `(values, indices)`. Take the
# part you need by name, `x.max(dim=1).values` or `.indices` (`x.argmax(dim=1)` gives the indices
# alone). Without `dim`, `x.max()` is a single number, the largest of the whole tensor:

# %% [markdown] lang="zh"
# **解决办法。** 给一行里的每个分数都减去同一个数 $c$，softmax 的结果不变：因为
# $e^{z_i - c} = e^{z_i} e^{-c}$，分子分母中的 $e^{-c}$ 正好约掉。取 $c = \max_j z_j$，
# 最大的指数项就是 $e^0 = 1$，不会溢出；分母至少为 1，也不会出现除以 0。
#
# **注意形状。** 对形状为 `(N, C)` 的一批数据 `x`，最大值和求和都要沿着每一行，也就是 `dim=1` 计算。
# 加上 `keepdim=True` 后结果的形状是 `(N, 1)`，能与 `(N, C)` 正确广播；不加的话形状是 `(N,)`，
# 广播时会对齐到列而不是行。
#
# **`max` 返回什么。** `x.sum(dim=1)` 返回一个张量，`x.max(dim=1)` 却返回*两个*：每一行的最大值，以及它所在的列号，
# 组成一对 `(values, indices)`。用名字取出需要的那一个：`x.max(dim=1).values` 或 `.indices`
# （只要列号的话，也可以用 `x.argmax(dim=1)`）。不带 `dim` 时，`x.max()` 只是一个数：整个张量里的最大值：

# %%
row_max = big.max(dim=1)
print(row_max.values, row_max.indices, big.max())

# %% [markdown] lang="en"
# ### Exercise (3 points): write `softmax`
#
# Complete `softmax(x)` for a tensor `x` of logits with shape `(N, C)`: return a tensor of the same
# shape, dtype and device whose rows are the softmax of the rows of `x`.
#
# * Use the max-subtraction trick so that logits like 1000 give finite, correct probabilities.
# * Build it from `torch.exp`, `max`, `sum` and arithmetic: `torch.softmax`, `F.softmax`,
#   `nn.Softmax` and `log_softmax` are not allowed here.
# * Do not change `x` itself (no in-place operations such as `x -= ...`).
#
# Then run the check cell below it: it tells you what is wrong, or that all checks pass.
# The autograder runs more tests than the ones you see.

# %% [markdown] lang="zh"
# ### 练习（3 分）：实现 `softmax`
#
# 补全 `softmax(x)`。输入 `x` 是形状为 `(N, C)` 的 logits 张量；返回一个形状、数据类型（dtype）和设备都与
# `x` 相同的张量，它的每一行是 `x` 对应行的 softmax。
#
# * 使用“减去最大值”的技巧，让 1000 这样的 logits 也能得到有限且正确的概率。
# * 只用 `torch.exp`、`max`、`sum` 和四则运算实现：这里不允许使用 `torch.softmax`、`F.softmax`、
#   `nn.Softmax` 或 `log_softmax`。
# * 不要修改 `x` 本身（不要用 `x -= ...` 这类原地操作）。
#
# 写完后运行下面的检查单元格：它会告诉你哪里不对，或者全部检查通过。自动评分时还会运行更多你看不到的测试。

# %% solution="softmax"
def softmax(x):
    """Row-wise softmax of an (N, C) tensor of logits."""
    ### BEGIN SOLUTION
    shifted = x - x.max(dim=1, keepdim=True).values
    exp = torch.exp(shifted)
    return exp / exp.sum(dim=1, keepdim=True)
    ### END SOLUTION


# %% tests="test_softmax" points=3
from autograder import check

check("softmax", softmax)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("softmax", softmax)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 5. What does the untrained network think?
#
# Apply your softmax to the logits of the batch. Every row should sum to 1, and the result should
# match PyTorch's own `torch.softmax`, which you are free to use from now on.

# %% [markdown] lang="zh"
# ## 5. 没训练过的网络怎么看？
#
# 把你写的 softmax 用在这批数据的 logits 上。每一行的和都应该是 1，而且结果应该与 PyTorch 自带的
# `torch.softmax` 一致。从现在起，你可以放心使用它了。

# %%
probabilities = softmax(logits)
print(helper.tr(en="row sums:", zh="每行之和："), probabilities.sum(dim=1)[:5])
print(helper.tr(en="same as torch.softmax:", zh="与 torch.softmax 相同："), torch.allclose(probabilities, torch.softmax(logits, dim=1)))

helper.view_classify(images[0], probabilities[0], classes="mnist");

# %% [markdown] lang="en"
# With random weights the logits are large, so softmax makes the network look very sure of itself,
# and it is usually wrong. Out of 64 images, about one in ten should be right by chance. In the
# grid below, each title reads *prediction (true label)*, green when right and red when wrong.

# %% [markdown] lang="zh"
# 由于权重是随机的，logits 的数值很大，softmax 之后网络显得非常“自信”，但它多半是错的。
# 在 64 张图片中，凭运气大约能猜对十分之一。下面每张图的标题是“预测（真实标签）”，猜对为绿色，猜错为红色。

# %%
predictions = probabilities.argmax(dim=1).cpu()
accuracy = (predictions == labels).float().mean().item()
print(helper.tr(en=f"accuracy on this batch: {accuracy:.0%}", zh=f"这一批的准确率：{accuracy:.0%}"))
helper.show_batch(images[:16], labels[:16], classes="mnist", predictions=predictions[:16]);

# %% [markdown] lang="en"
# ## Summary
#
# * A layer computes $X W + b$: one row per image, the bias added to every row by broadcasting; an
#   activation between the layers keeps two layers from collapsing into one.
# * Logits are raw scores; softmax turns each row into positive numbers that add up to 1.
# * Subtract each row's maximum before `exp`: same result, no overflow. `keepdim=True` keeps the
#   shapes broadcasting along rows, and `x.max(dim=1)` returns values *and* indices.
# * An untrained network with large random weights is confidently wrong: its confidence comes from
#   the size of its weights, not from knowledge.

# %% [markdown] lang="zh"
# ## 小结
#
# * 一层网络计算 $X W + b$：每张图片占一行，偏置通过广播加到每一行上；层与层之间的激活函数让两层不会退化成一层。
# * logits 是原始分数；softmax 把每一行变成加起来等于 1 的正数。
# * 先给每一行减去它的最大值再取 `exp`：结果不变，也不会溢出。`keepdim=True` 让形状按行广播；`x.max(dim=1)` 同时返回最大值*和*索引。
# * 权重很大的、未经训练的网络会自信地答错：它的自信来自权重的大小，而不是学到的知识。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. Multiplying by 10 makes the differences between the logits ten times larger, so softmax gets
#    sharper, close to 1 on the largest logit and 0 elsewhere; multiplying by 0.1 shrinks the
#    differences and the probabilities approach the uniform $1/C$. The order of the classes never
#    changes. (This factor is what *temperature* controls.)
# 2. `exp.sum(dim=0)` adds each **column** over the batch: shape `(C,)`, one sum per class across
#    all images. Dividing by it makes each column, not each row, add up to 1. Every entry still lies
#    between 0 and 1, so the result looks like probabilities, but the rows do not sum to 1 (and for
#    a batch of one image it is even right, which hides the bug).
# 3. Each logit sums 256 products of standard-normal weights with hidden values, so logits are tens
#    or hundreds apart. Softmax of such differences puts almost all the probability on the largest
#    one. The confidence reflects the scale of the weights, not anything learned.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. 乘以 10 会把 logits 之间的差距放大十倍，softmax 变得更“尖”：最大的 logit 的概率接近 1，其余接近 0；乘以 0.1 则缩小差距，概率趋向均匀的 $1/C$。类别的先后顺序始终不变。（这个因子就是所谓的*温度*。）
# 2. `exp.sum(dim=0)` 是把每一**列**在整个批次上求和：形状为 `(C,)`，每个类别一个和。除以它之后，加起来等于 1 的是每一列而不是每一行。每个数仍在 0 到 1 之间，看上去像概率，但每一行的和并不是 1（批次里只有一张图片时它甚至是对的，这让 bug 更难发现）。
# 3. 每个 logit 都是 256 个“标准正态权重 × 隐藏值”的和，所以 logits 之间相差几十甚至几百。对这样的差距做 softmax，几乎全部概率都落在最大的那个上。这种自信只反映了权重的尺度，而不是学到了什么。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. Softmax does not change if you add the same number to every logit in a row. What happens if
#    you *multiply* every logit by 10? By 0.1?
# 2. What would `exp.sum(dim=0)` compute, and why would the result look plausible but be wrong?
# 3. Why does an untrained network with large random weights look so confident?
#
# **Next:** the same network written with `torch.nn`, and then training it, so that its weights
# are learned from the data instead of drawn at random.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 给一行中每个 logit 都加上同一个数，softmax 不变。如果把每个 logit 都*乘以* 10 呢？乘以 0.1 呢？
# 2. `exp.sum(dim=0)` 算出来的是什么？为什么那样的结果看起来合理，实际上却是错的？
# 3. 为什么一个权重很大的、未经训练的网络会显得如此“自信”？
#
# **下一课：** 用 `torch.nn` 重写同一个网络，然后训练它，让权重从数据中学出来，而不是随机抽取。
